"""`python -m app` is the `dnevnik` command (for machines where the script is not on PATH)."""

from app.cli import main

main()
