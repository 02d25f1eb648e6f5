"""Policy alerts: owners who subscribe hear when new knowledge fits them (issue 15).

- :mod:`bot.alerts.subscriptions` — the facts a subscriber gave, kept in the store.
- :mod:`bot.alerts.matching` — what changed for one subscriber between two snapshots.
- :mod:`bot.alerts.fanout` — the queued, claimed, rate-limited push (resumes after a restart).
- :mod:`bot.alerts.reminders` — the daily expiry check (one replica a day).
- :mod:`bot.alerts.service` — ties them to the engine and a sender; the Telegram side is
  :mod:`bot.telegram.alert_handlers`.

Everything shared between replicas lives in the store (SQLite or Redis) and goes through
its public API: compare-and-set records, claims and windowed counters.
"""
