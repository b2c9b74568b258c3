-- Who reopened a cleared finding from the HR page (the logged-in Airflow user). NULL: it reopened by
-- itself because its evidence changed (reopened_run is then the run that saw the change).
ALTER TABLE finding_clearances ADD COLUMN IF NOT EXISTS reopened_by TEXT;
