"""The credentials every test uses (secrets shaped so a leak is easy to spot)."""

INSTANCE = "3C0FFEE0INSTANCE"
TOKEN = "SECRET-TOKEN-7f3a9c"
CLIENT_TOKEN = "SECRET-CLIENT-TOKEN-42b1"
PHONE = "5511999999999"

#: Two instances of one account, for tests of per-instance state (no Client-Token).
TOKENS = {INSTANCE: TOKEN, "INSTANCE-A": "TOKEN-A-secret", "INSTANCE-B": "TOKEN-B-secret"}
