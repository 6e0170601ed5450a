"""Carrying a village laptop's records to the organisation's server, exactly once.

    errors      SyncRefused: why a bundle, push or enrolment was refused (a code)
    signing     device keys derived from SYNC_KEY; HMAC-SHA256 over a bundle's bytes
    enrolment   what a laptop is given once: server, device, key, organisation key
    records     the laptop's records as plain data, each with a digest
    bundle      the signed, gzipped JSON document and its file envelope
    merge       (server) applying a bundle in one transaction, refusing what is not
                the device's; progress recomputed from attempts
    devices     (server) enrolling, revoking and receiving from devices
    outbox      (laptop) what the server has not acknowledged; pushing in chunks
    transport   (laptop) the HTTPS requests of a push and a pull (standard library)
    pull        sync back: the laptop's signed request, the server's signed answer
                (only this device's learners and their deletions)
    pull_apply  (laptop) applying that answer to its own learners, in one transaction

May import platform, content and the rest of people; nothing here imports Flask
except through the platform layer's keys.
"""
