#!/usr/bin/env bash
# Update the translation catalogues under a lock (several people may run it at once):
#   scripts/i18n.sh                 makemessages + compilemessages
#   scripts/i18n.sh FILE.json       also fill zh_Hans translations from FILE.json ({msgid: msgstr})
#   scripts/i18n.sh --missing       print the zh_Hans entries still untranslated, as JSON
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PO=locale/zh_Hans/LC_MESSAGES/django.po
exec 9>/tmp/perfgov-i18n.lock
flock 9
if [ "${1:-}" = "--missing" ]; then
  $PY manage.py makemessages -l zh_Hans -l en --no-obsolete --no-wrap --ignore=.venv --ignore=var --ignore=tests \
    --ignore=bench --ignore=node_modules --ignore=scripts >/dev/null
  $PY scripts/po_fill.py "$PO" --missing
  exit 0
fi
$PY manage.py makemessages -l zh_Hans -l en --no-obsolete --no-wrap --ignore=.venv --ignore=var --ignore=tests \
  --ignore=bench --ignore=node_modules --ignore=scripts >/dev/null
if [ -n "${1:-}" ]; then
  $PY scripts/po_fill.py "$PO" "$1"
fi
$PY scripts/po_fill.py locale/en/LC_MESSAGES/django.po --identity >/dev/null
$PY manage.py compilemessages --ignore=.venv --ignore=node_modules >/dev/null
$PY scripts/po_fill.py "$PO" --count
