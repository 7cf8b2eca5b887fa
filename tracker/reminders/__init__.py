"""Reminders: push subscriptions, reminder schedules, and their deliveries through
Web Push (models, push adapter, dispatch, scheduler jobs, API and page)."""
