"""Entry point of the one-folder build (``dist/review-desk/review-desk``): the same ``main``
as the ``review-desk`` command of a pip install (the input-method choice for fcitx desktops,
:mod:`ui.common.input_method`, is made by the window's start-up for both)."""

import multiprocessing

from app.cli import main

if __name__ == "__main__":
    # A window decrypts identity files in a child process (app/crypto/pkcs12_child.py,
    # multiprocessing's spawn): in a frozen program that child is this executable again,
    # and freeze_support() turns it into the child instead of a second program.
    multiprocessing.freeze_support()
    raise SystemExit(main())
