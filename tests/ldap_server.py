"""A throwaway OpenLDAP server (Debian's slapd) for the tests of LDAP sign-in and directory sync.

Each server lives in a temp folder with its own slapd.conf (mdb database, the core, cosine and
inetOrgPerson schemas), is loaded offline with slapadd (which also gives every entry its
entryUUID) and listens on a free loopback port. ``cn=reader`` is the search account the app binds
as; ``cn=admin`` (the rootdn) is the tests' own, to change the directory under the app.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ldap3 import MODIFY_REPLACE, Connection

from tests.ports import free_port

SLAPD = Path("/usr/sbin/slapd")
SLAPADD = Path("/usr/sbin/slapadd")
BASE_DN = "dc=example,dc=com"
ADMIN_DN, ADMIN_PASSWORD = f"cn=admin,{BASE_DN}", "admin-secret"
READER_DN, READER_PASSWORD = f"cn=reader,ou=services,{BASE_DN}", "reader-secret"
STARTUP_TIMEOUT_S = 60

CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
argsfile {folder}/slapd.args
database mdb
maxsize 268435456
suffix "{base}"
rootdn "{admin}"
rootpw {admin_password}
directory {folder}/data
sizelimit unlimited
access to attrs=userPassword by anonymous auth by * none
access to * by * read
"""


def missing_reason() -> str | None:
    if SLAPD.exists() and SLAPADD.exists():
        return None
    return "LDAP tests need Debian's slapd: apt-get install -y slapd ldap-utils"


def base_ldif() -> str:
    """The tree: the search account, the people and departments branches (no people yet)."""
    return f"""\
dn: {BASE_DN}
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=services,{BASE_DN}
objectClass: organizationalUnit
ou: services

dn: {READER_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: reader
userPassword: {READER_PASSWORD}

dn: ou=people,{BASE_DN}
objectClass: organizationalUnit
ou: people

dn: ou=departments,{BASE_DN}
objectClass: organizationalUnit
ou: departments
"""


def person_ldif(uid: str, name: str, *, password: str, department: str = "", title: str = "",
                mail: str | None = None) -> str:
    lines = [f"dn: uid={uid},ou=people,{BASE_DN}", "objectClass: inetOrgPerson", f"uid: {uid}",
             f"cn: {name}", f"sn: {name.split()[-1]}", f"userPassword: {password}"]
    if mail != "":
        lines.append(f"mail: {mail or uid + '@example.com'}")
    if department:
        lines.append(f"departmentNumber: {department}")
    if title:
        lines.append(f"title: {title}")
    return "\n".join(lines) + "\n"


def department_ldif(name: str) -> str:
    return f"dn: ou={name},ou=departments,{BASE_DN}\nobjectClass: organizationalUnit\nou: {name}\n"


@dataclass
class Server:
    url: str
    folder: Path
    process: subprocess.Popen
    settings: dict[str, object] = field(default_factory=dict)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def start(ldif: str, *, tls: bool = False) -> Server:
    """slapd serving ``base_ldif() + ldif`` (entries separated by blank lines); ``tls``: with a
    self-signed certificate for 127.0.0.1 (``folder / "cert.pem"``), for StartTLS."""
    folder = Path(tempfile.mkdtemp(prefix="intranet-slapd-"))
    (folder / "data").mkdir()
    conf = folder / "slapd.conf"
    text = CONF.format(folder=folder, base=BASE_DN, admin=ADMIN_DN, admin_password=ADMIN_PASSWORD)
    if tls:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        text = (f"TLSCertificateFile {folder}/cert.pem\nTLSCertificateKeyFile {folder}/key.pem\n"
                + text)
    conf.write_text(text)
    (folder / "data.ldif").write_text(base_ldif() + "\n" + ldif)
    subprocess.run([str(SLAPADD), "-q", "-f", str(conf), "-l", str(folder / "data.ldif")],
                   check=True, capture_output=True)
    port = free_port()
    url = f"ldap://127.0.0.1:{port}"
    log = (folder / "slapd.log").open("wb")
    process = subprocess.Popen([str(SLAPD), "-f", str(conf), "-h", url + "/", "-d", "0"],
                               stdout=log, stderr=subprocess.STDOUT)
    server = Server(url=url, folder=folder, process=process, settings={
        "LDAP_URL": url, "LDAP_BIND_DN": READER_DN, "LDAP_BIND_PASSWORD": READER_PASSWORD,
        "LDAP_BASE_DN": f"ou=people,{BASE_DN}", "LDAP_TIMEOUT": 5.0,
    })
    _wait(server, port)
    return server


def _wait(server: Server, port: int) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if server.process.poll() is not None or time.monotonic() > deadline:
                log = (server.folder / "slapd.log").read_text(errors="replace")
                server.stop()
                raise RuntimeError(f"slapd did not start:\n{log}") from None
            time.sleep(0.02)


def person_dn(uid: str) -> str:
    return f"uid={uid},ou=people,{BASE_DN}"


def admin_connection(server: Server) -> Connection:
    return Connection(server.url, ADMIN_DN, ADMIN_PASSWORD, auto_bind=True)


def change(server: Server, uid: str, **attributes: str) -> None:
    """Edit an entry as the directory's administrator would."""
    changes = {name: [(MODIFY_REPLACE, [value])] for name, value in attributes.items()}
    with admin_connection(server) as conn:
        assert conn.modify(person_dn(uid), changes), conn.result


def remove(server: Server, uid: str) -> None:
    with admin_connection(server) as conn:
        assert conn.delete(person_dn(uid)), conn.result
