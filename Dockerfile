# Airflow 3.3 image with Crosscheck's pinned dependencies (the code is mounted at /opt/crosscheck).
FROM apache/airflow:3.3.2-python3.11
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir -r /tmp/requirements.lock
