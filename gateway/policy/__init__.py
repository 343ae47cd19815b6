"""The access policy: the Rego bundle and the engines that evaluate it."""
