"""The audio adapter: pydub + ffmpeg conversion of recordings."""
