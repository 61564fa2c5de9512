"""Copy the table of bench/results.md into README.md's Performance section."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
results = (ROOT / "bench" / "results.md").read_text().strip().splitlines()
meta, table = results[0], [line for line in results[1:] if line.startswith("|")]
readme = (ROOT / "README.md").read_text()
start = readme.index("Latest run (")
end = readme.index("\n\nThe machine is shared")
readme = readme[:start] + f"Latest run ({meta}):\n\n" + "\n".join(table) + readme[end:]
(ROOT / "README.md").write_text(readme)
