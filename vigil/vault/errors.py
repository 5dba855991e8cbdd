class VaultError(Exception):
    """A value could not be sealed or unsealed; the message never contains the value."""
