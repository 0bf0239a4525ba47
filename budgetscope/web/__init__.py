"""`budgetscope serve`: web pages and a JSON API over the Python API (see :mod:`budgetscope.web.app`).

Needs the ``web`` extra (starlette, uvicorn, jinja2, python-multipart, pygal).
"""
