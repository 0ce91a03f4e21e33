"""Names shared by training scripts, backends, the tuner and stored results."""
from __future__ import annotations

SYNE_TUNE_FOLDER = "syne-tune"
# Environment variable that moves the results root away from ~/syne-tune.
SYNE_TUNE_FOLDER_ENV = "SYNETUNE_FOLDER"

METRIC_LINE_PREFIX = "[tune-metric]: "

ST_WORKER_ITER = "st_worker_iter"
ST_WORKER_TIMESTAMP = "st_worker_timestamp"
ST_WORKER_TIME = "st_worker_time"
ST_WORKER_COST = "st_worker_cost"
ST_TRIAL_ID = "trial_id"
ST_TUNER_TIME = "st_tuner_time"
ST_TUNER_TIMESTAMP = "st_tuner_timestamp"
ST_DECISION = "st_decision"
ST_STATUS = "st_status"
ST_CHECKPOINT_DIR = "st_checkpoint_dir"
ST_TUNER_CREATION_TIMESTAMP = "st_tuner_creation_timestamp"
ST_TUNER_START_TIMESTAMP = "st_tuner_start_timestamp"
ST_CONFIG_PREFIX = "config_"
