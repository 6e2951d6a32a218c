"""What a photo upload costs the server: the child that re-encodes it (platform/imaging.py).

    python bench/photos_bench.py

For photos of 12, 24 and 40 megapixels (noise, so JPEG cannot cheat on flat areas) and a PNG
bomb declaring 600 megapixels: wall time, the child's CPU (user + system) and its peak RSS, read
from ``/usr/bin/time``, median of 3 runs. The web process itself only holds the upload and the
answer's bytes. CPU is the figure to compare between machines: wall time depends on the load.
"""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from intranet.platform import imaging  # noqa: E402
from intranet.platform.config import Config  # noqa: E402
from tests.bombs import png_bomb  # noqa: E402

JOB = {"max_pixels": Config.IMAGE_MAX_PIXELS, "max_side": Config.IMAGE_MAX_SIDE,
       "max_frames": Config.IMAGE_MAX_FRAMES, "display_side": Config.IMAGE_DISPLAY_SIDE,
       "thumb_side": Config.IMAGE_THUMB_SIDE, "memory_mb": Config.IMAGE_MEMORY_MB,
       "cpu_seconds": Config.EXTRACT_CPU_SECONDS}


def noisy_jpeg(width: int, height: int) -> bytes:
    image = Image.effect_noise((width // 4, height // 4), 60).convert("RGB").resize((width, height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def run(data: bytes, ext: str) -> tuple[float, float, int, str]:
    """(wall s, CPU s, peak RSS MB, the child's answer line)."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", sys.executable, "-I", imaging.__file__,
                           json.dumps({**JOB, "ext": ext})], input=data, capture_output=True, check=False)
    wall = time.perf_counter() - start
    rss, user, system = done.stderr.decode().strip().splitlines()[-1].split()
    return wall, float(user) + float(system), int(rss) // 1024, done.stdout.split(b"\n", 1)[0].decode()


def main() -> None:
    sizes = ((4000, 3000), (6000, 4000), (8000, 5000))
    cases = [(f"JPEG {w}x{h}", noisy_jpeg(w, h), ".jpg") for w, h in sizes]
    cases.append(("PNG bomb 30000x20000", png_bomb(30_000, 20_000), ".png"))
    print(f"{'photo':24} {'MB':>5} {'wall s':>7} {'CPU s':>6} {'RSS MB':>7}  answer")
    for name, data, ext in cases:
        runs = [run(data, ext) for _ in range(3)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"{name:24} {len(data) / 1e6:5.1f} {wall:7.2f} {cpu:6.2f} {max(r[2] for r in runs):7d}  "
              f"{runs[0][3][:70]}")


if __name__ == "__main__":
    main()
