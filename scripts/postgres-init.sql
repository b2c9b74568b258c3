-- The warehouse database and role beside Airflow's metadata database (docker-compose only).
CREATE ROLE crosscheck LOGIN PASSWORD 'crosscheck';
CREATE DATABASE crosscheck OWNER crosscheck;
