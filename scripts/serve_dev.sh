#!/bin/sh
# `make run`: the site with its task worker (mail, SMS, scheduled jobs) and its scheduler, stopped together.
# Mail goes to the worker's console unless EMAIL_HOST is set.
PY=.venv/bin/python
$PY manage.py db_worker --backend portal --queue-name portal --interval 2 --no-reload &
worker=$!
$PY manage.py roster_scheduler >/dev/null &
scheduler=$!
trap 'kill $worker $scheduler 2>/dev/null' EXIT INT TERM
$PY manage.py runserver "$1"
