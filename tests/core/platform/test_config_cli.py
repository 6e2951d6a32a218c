"""Configuration sources and the command-line interface an administrator uses."""

import pytest
from sqlalchemy import select

from intranet import create_app
from intranet.models import Department, Membership, User
from intranet.platform import db
from intranet.platform.config import Config, ProductionConfig, load_config


def test_production_refuses_to_start_without_a_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("INTRANET_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="INTRANET_SECRET_KEY"):
        load_config(ProductionConfig, {}, str(tmp_path))


def test_environment_overrides_defaults_with_types(tmp_path, monkeypatch):
    monkeypatch.setenv("INTRANET_SECRET_KEY", "from-env")
    monkeypatch.setenv("INTRANET_MAX_POST_LENGTH", "500")
    monkeypatch.setenv("INTRANET_SELF_REGISTRATION_DOMAINS", "acme.example, acme.fr")
    monkeypatch.setenv("INTRANET_PRESENCE_BATCH_SECONDS", "2")
    values = load_config(ProductionConfig, {}, str(tmp_path))
    assert values["SECRET_KEY"] == "from-env"
    assert values["MAX_POST_LENGTH"] == 500
    assert values["PRESENCE_BATCH_SECONDS"] == 2.0  # a float setting, not the string "2"
    assert values["SELF_REGISTRATION_DOMAINS"] == ("acme.example", "acme.fr")
    assert values["SESSION_COOKIE_SECURE"] is True and values["SESSION_COOKIE_HTTPONLY"] is True


def test_development_key_is_generated_once_per_instance_not_in_code(tmp_path, monkeypatch):
    monkeypatch.delenv("INTRANET_SECRET_KEY", raising=False)

    first = load_config(Config, {}, str(tmp_path))["SECRET_KEY"]
    again = load_config(Config, {}, str(tmp_path))["SECRET_KEY"]
    other = load_config(Config, {}, str(tmp_path / "elsewhere"))["SECRET_KEY"]
    assert first == again and first != other and len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_create_user_cli_creates_an_account_in_its_department(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "zoe@example.com", "--name", "Zoé Leroy",
                                 "--password", "long enough 1", "--department", "RH"])
    assert result.exit_code == 0, result.output
    assert "zoe@example.com" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "zoe@example.com"))
        dept = db.session.scalar(select(Department).where(Department.name == "RH"))
        assert user.department_id == dept.id and not user.is_admin
        assert db.session.get(Membership, (dept.group_id, user.id)) is not None


def test_create_user_cli_explains_bad_input(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "not-an-email", "--name", "X", "--password", "long enough 1"])
    assert result.exit_code != 0 and "valid e-mail" in result.output
    result = runner.invoke(args=["create-user", "x@example.com", "--name", "X", "--password", "short"])
    assert result.exit_code != 0 and "10 characters" in result.output


def test_init_db_is_idempotent(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert "newest schema" in runner.invoke(args=["init-db"]).output


def test_app_builds_from_environment_only(tmp_path, monkeypatch):
    monkeypatch.setenv("INTRANET_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("INTRANET_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("INTRANET_UPLOAD_DIR", str(tmp_path / "up"))
    app = create_app()
    assert app.config["DATABASE_URL"].endswith("env.db") and app.secret_key == "k" * 40
