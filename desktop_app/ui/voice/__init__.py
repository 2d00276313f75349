"""The microphone widget, its audio source, and the bridge to transcription and speech."""
