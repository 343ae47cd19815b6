"""Evidence media through the gateway: uploads checked and stored, read by links that the policy hands out."""
