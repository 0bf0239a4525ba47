"""``python -m budgetscope``: the command line, as the ``budgetscope`` console script."""

from budgetscope.search_cli.app import main

if __name__ == "__main__":
    main()
