"""Text that breaks things (issue 9 item 6): which characters the product refuses at input, how every text
field of every form and serializer refuses them, and how already-stored ones are shown harmlessly."""
