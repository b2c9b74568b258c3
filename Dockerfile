# Airflow 3.3 image with Crosscheck's pinned dependencies; the code is mounted at /opt/crosscheck
# (docker-compose.yml), so one image serves every Airflow component and `python -m include.cli`.
FROM apache/airflow:3.3.2-python3.11
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir -r /tmp/requirements.lock
ENV PYTHONPATH=/opt/crosscheck
WORKDIR /opt/crosscheck
