"""Mail to the hotline: letters become appeals `new`, replies join their appeal."""
