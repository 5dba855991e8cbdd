"""Background work of the intake: thin wrappers over services, enqueued by `manage.py clock`."""

from __future__ import annotations

from django_tasks import task

from vigil.hotline import services


@task()
def end_stale_sms_conversations() -> int:
    """Forget SMS conversations nobody answered within VIGIL_SMS_CONVERSATION_MINUTES (the report stays)."""
    return services.end_stale_sms_conversations()


@task()
def forget_answered_requests() -> int:
    """Forget answers kept for retries and replays (SMS MessageSid, Idempotency-Key) after a day."""
    from vigil.hotline import replay

    return replay.forget_old()
