"""Demo organisation (stub)."""


def load_demo(seed: int = 7) -> str:
    return "demo not written yet"
