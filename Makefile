PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1:8000

.PHONY: bench run demo test test-sqlite test-postgres test-redis test-browser test-moved-clock browser-deps screenshots lint format clean

# The virtualenv is rebuilt when the requirements change.
$(VENV): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $(VENV)

$(VENV)/.dev: $(VENV) requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

# The project's Chinese for what Django's and Wagtail's catalogues leave in English, compiled from the
# .po files at set-up (Babel, pure Python: no gettext tools needed).
LOCALE := locale/zh_Hans/LC_MESSAGES
MO := $(LOCALE)/django.mo $(LOCALE)/djangojs.mo
$(LOCALE)/%.mo: $(LOCALE)/%.po | $(VENV)
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

demo: $(VENV) $(MO)
	@$(PY) manage.py migrate --noinput || { echo "迁移失败。若 db.sqlite3 是旧版本建立的开发数据库，请删除它后重新运行（演示数据会重新生成）。"; exit 1; }
	$(PY) manage.py load_demo

run: demo
	@echo "门户网站： http://$(HOST)/   管理后台： http://$(HOST)/admin/（后台任务与定时调度随之启动，邮件打印在本窗口）"
	scripts/serve_dev.sh $(HOST)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run --settings=portal.settings.test
	$(PY) -m portal.support

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test-sqlite: $(VENV)/.dev $(MO)
	$(VENV)/bin/pytest -m "not browser" -n 2

# The database tests again on PostgreSQL: DATABASE_URL's server, or an embedded one (scripts/with_postgres.py).
# Two workers, each with its own test database on the one server (CI has two cores).
test-postgres: $(VENV)/.dev $(MO)
	$(PY) scripts/with_postgres.py $(VENV)/bin/pytest -p no:cacheprovider -m "not browser and not walk" -n 2

# The non-browser suite on SQLite again with the system clock moved forward (Debian's libfaketime, unpacked
# by scripts/ensure_faketime.sh): the product lives for years after a test is written.
MOVED_CLOCK_DATES ?= 2027-07-01 2029-12-17
test-moved-clock: $(VENV)/.dev $(MO)
	scripts/test_moved_clock.sh $(MOVED_CLOCK_DATES)

# The cache, rate-limit, lockout and page-cache tests again against a real Redis server (Debian's
# redis-server, unpacked without root by scripts/ensure_redis.sh), as production runs them.
REDIS_TESTS := tests/test_redis.py tests/test_page_cache.py tests/test_term.py tests/test_publicity.py tests/test_trust.py tests/test_production.py
test-redis: $(VENV)/.dev $(MO)
	$(PY) scripts/with_redis.py $(VENV)/bin/pytest -p no:cacheprovider -m "not browser" $(REDIS_TESTS) \
		-k "redis or cache or limit or flood or visitor or forwarded or stranger or password"

browser-deps:
	scripts/ensure_browser.sh

# Journeys and accessibility in Chromium (Playwright for Python + Debian's chromium, axe-core from npm).
test-browser: $(VENV)/.dev browser-deps $(MO)
	BROWSER_TESTS=required $(VENV)/bin/pytest -p no:cacheprovider -m browser tests/browser

test: lint test-sqlite test-postgres test-redis test-browser test-moved-clock

screenshots: $(VENV)/.dev browser-deps $(MO)
	$(PY) scripts/screenshots.py

# Benchmark of the public pages and staff lists (needs wrk: apt-get install wrk); writes bench/RESULTS.md.
bench: $(VENV) $(MO)
	@command -v wrk >/dev/null || { echo "缺少 wrk：请先 apt-get install wrk"; exit 2; }
	$(PIP) install --quiet "pyinstrument>=5.1,<5.2"
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 media private staticfiles browser/node_modules
