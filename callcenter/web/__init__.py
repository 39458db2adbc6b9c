"""The web adapter: FastAPI REST, WebSocket screen pops, server-rendered pages."""
