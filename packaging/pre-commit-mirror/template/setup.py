# pre-commit installs this folder into the hook's virtualenv; all it brings
# is its requirement, the asl-lint wheel of the same version from PyPI.
from setuptools import setup

setup(
    name="asl-lint-pre-commit",
    version="@VERSION@",
    install_requires=["asl-lint==@VERSION@"],
    py_modules=[],
)
