"""The wheel's package list (everything else is in pyproject.toml).

The DAG files stay in ``dags/`` in the repository and ship in the wheel as ``include/dags/``, from where
``crosscheck dags install`` copies them into an Airflow's DAG folder; pyproject.toml alone cannot map a
folder to a sub-package while also finding packages. Only the product ships: ``sandbox``, ``evaluation``,
``stack``, ``bench``, ``scripts`` and ``tests`` are left out by name.
"""

from setuptools import find_packages, setup

PRODUCT = ["include", "include.*", "connectors", "connectors.*", "plugins", "plugins.*"]

setup(
    packages=[*find_packages(include=PRODUCT), "include.dags"],
    package_dir={"include.dags": "dags"},
)
