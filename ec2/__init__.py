"""Practice EC2's data: instances, and the catalogue of images, instance types and regions."""
