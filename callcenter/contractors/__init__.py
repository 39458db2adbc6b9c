"""Contractors: the register, admins' edits, the import, the contractors' desk."""
