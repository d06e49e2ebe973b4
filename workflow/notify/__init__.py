"""Messages to people outside yide: the SMS gateways (a development outbox and a test fake)."""
