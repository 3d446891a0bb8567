"""`python -m clientmilitant` runs the `cm` command."""

from clientmilitant.cli.app import main

main()
