"""Entry point of the one-folder build (``dist/review-desk/review-desk``): the same ``main``
as the ``review-desk`` command of a pip install (the input-method choice for fcitx desktops,
:mod:`ui.common.input_method`, is made by the window's start-up for both)."""

from app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
