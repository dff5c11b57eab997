"""`ticket_changed`: sent by every ticket service after it wrote a ticket (inside its transaction),
so that apps keeping copies of a ticket's outcome (the hotline's consultations) stay in step."""

from django.dispatch import Signal

ticket_changed = Signal()  # kwargs: ticket
