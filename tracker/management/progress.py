"""A progress bar for the batch commands, drawn only on a terminal."""


class ProgressBar:
    width = 30

    def __init__(self, stdout, total, enabled=True):
        self.stdout = stdout
        self.total = total
        self.enabled = enabled and total > 0 and stdout.isatty()
        self.done = 0

    def step(self):
        self.done += 1
        if not self.enabled:
            return
        filled = self.width * self.done // self.total
        self.stdout.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total}", ending="")
        if self.done == self.total:
            self.stdout.write("")
