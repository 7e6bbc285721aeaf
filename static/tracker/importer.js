/* The import page's progress: start the waiting phase, then poll the job until it is done.
   With a Celery worker the "run" request returns at once; with the embedded default it runs
   the phase inline and returns at the end, while the polling shows the progress meanwhile.
   When the job stops running the page reloads: the server renders the preview or the report; so it
   does when a running phase dies (its heartbeat goes stale), to offer Resume and Delete. */
"use strict";

(function () {
  const section = document.getElementById("import-progress");
  if (!section) {
    return;
  }
  const bar = document.getElementById("import-progress-bar");
  const count = document.getElementById("import-progress-count");
  const label = document.getElementById("import-progress-label");
  const runForm = document.getElementById("import-run-form");
  const renderedStatus = section.dataset.status;
  const renderedFailure = section.dataset.failure || "";
  const renderedStale = "stale" in section.dataset;
  const POLL_MS = 1000;
  let runPending = false;
  let ranOnce = false;

  function csrfToken() {
    const field = section.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function show(job) {
    bar.max = job.total || 1;
    bar.value = job.done;
    bar.textContent = job.percent + "%";
    count.textContent = job.done + " of " + job.total;
    label.textContent = job.label;
  }

  async function poll() {
    let job;
    try {
      const response = await fetch(section.dataset.statusUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"});
      job = await response.json();
    } catch (error) {
      window.setTimeout(poll, POLL_MS * 5);
      return;
    }
    show(job);
    if (!runPending && !ranOnce && job.stale !== renderedStale) {
      /* The phase died (or was resumed elsewhere): the server renders what can be done now. */
      window.location.reload();
    } else if (job.running || runPending) {
      window.setTimeout(poll, POLL_MS);
    } else if (ranOnce || job.status !== renderedStatus || job.failure !== renderedFailure) {
      window.location.reload();
    }
  }

  async function run() {
    runPending = true;
    if (runForm) {
      runForm.hidden = true;
    }
    try {
      await fetch(section.dataset.runUrl, {
        method: "POST",
        headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"},
        credentials: "same-origin",
      });
    } catch (error) {
      /* The request may drop while the phase carries on: the polling tells. */
    }
    runPending = false;
    ranOnce = true;
  }

  if (runForm) {
    runForm.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
    });
  }
  if ("autoRun" in section.dataset) {
    run();
  }
  poll();
})();
