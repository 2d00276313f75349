"""Developer tooling that runs beside the app (training, model building); the app never imports it."""
