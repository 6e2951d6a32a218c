"""Socket.IO: authenticate at connect, join server-chosen rooms, ephemeral signals. No writes."""
