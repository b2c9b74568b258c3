# The development image for docker-compose.yml: Airflow 3.3 with Crosscheck's pinned dependencies; the
# checkout is mounted at /opt/crosscheck, so one image serves every Airflow component and
# `python -m include.cli`. A deployment's image installs the wheel instead (docs/DEPLOY.md, "As an image layer").
FROM apache/airflow:3.3.2-python3.11
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir -r /tmp/requirements.lock
ENV PYTHONPATH=/opt/crosscheck
WORKDIR /opt/crosscheck
