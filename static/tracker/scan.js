/* The scan page: read EAN-13, UPC-A and EAN-8 codes from the rear camera (or typed), and say at once
   whether the collection has the disc. The browser's BarcodeDetector is used where it reads these
   formats; elsewhere the vendored barcode-detector ponyfill (ZXing in WebAssembly) does the same job.
   Answers are built with DOM nodes, never innerHTML: titles come from shops and other people's data. */
"use strict";

(function () {
  const app = document.getElementById("scan-app");
  if (!app) {
    return;
  }
  const FORMATS = ["ean_13", "upc_a", "ean_8"];
  const SCAN_INTERVAL_MS = 120;
  // A code still in front of the camera is not answered again; one away for this long is.
  const SAME_CODE_QUIET_MS = 3000;
  const video = document.getElementById("scan-video");
  const startButton = document.getElementById("scan-start");
  const torchButton = document.getElementById("scan-torch");
  const cameraStatus = document.getElementById("scan-camera-status");
  const answer = document.getElementById("scan-answer");
  const typedForm = document.getElementById("scan-typed");
  const typedInput = document.getElementById("scan-code");
  const typedError = document.getElementById("scan-code-error");

  let stream = null;
  let detector = null;
  let scanTimer = null;
  let detecting = false;
  let lastCode = "";
  let lastSeen = 0;
  let answerToken = 0;
  let audio = null;

  /* --- barcodes ---------------------------------------------------------------------- */

  function digitsOf(text) {
    return String(text).replace(/[\s-]/g, "");
  }

  /* The code as the case prints it: a decoder may read a UPC-A as the EAN-13 with a leading zero. */
  function printedForm(code) {
    return code.length === 13 && code.startsWith("0") ? code.slice(1) : code;
  }

  /* Why the code cannot be looked up, or "" (the same rules as tracker/barcodes.py). */
  function barcodeProblem(code) {
    if (!code) {
      return "Enter the barcode's digits.";
    }
    if (!/^[0-9]+$/.test(code)) {
      return "A barcode has only digits.";
    }
    if (![8, 12, 13].includes(code.length)) {
      return "A disc's barcode has 8, 12 or 13 digits; this one has " + code.length + ".";
    }
    let total = 0;
    const body = code.slice(0, -1);
    for (let i = 0; i < body.length; i++) {
      total += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
    }
    if (String((10 - (total % 10)) % 10) !== code.slice(-1)) {
      return "The check digit does not match: the code was misread or mistyped. Scan it again.";
    }
    return "";
  }

  /* --- talking to the server --------------------------------------------------------- */

  async function getJson(url, code) {
    let response;
    try {
      response = await fetch(url + "?code=" + encodeURIComponent(code), {
        credentials: "same-origin",
        headers: {"Accept": "application/json"},
      });
    } catch (networkError) {
      const offline = navigator.onLine === false;
      return {success: false, error: offline ? "You are offline: answers need the network. Try again when you have a signal."
        : "Could not reach the server. Check your connection and try again."};
    }
    try {
      const data = await response.json();
      if (data && typeof data === "object" && "success" in data) {
        return data;
      }
    } catch (notJson) {
      /* fall through */
    }
    return {success: false, error: "The server answered unexpectedly (HTTP " + response.status + "). Try again."};
  }

  async function answerFor(code) {
    const token = ++answerToken;
    app.dataset.state = "asking";
    app.dataset.code = code;
    const discs = await getJson(app.dataset.discsUrl, code);
    if (token !== answerToken) {
      return;
    }
    if (!discs.success) {
      showProblem(code, discs.error);
      return;
    }
    if (discs.verdict === "owned" || discs.verdict === "wishlist") {
      showDiscs(code, discs);
      celebrate();
      return;
    }
    showNotOwned(code, discs);
    const identified = await getJson(app.dataset.identifyUrl, code);
    if (token !== answerToken) {
      return;
    }
    if (!identified.success) {
      const kept = app.dataset.addUrl + "?barcode=" + encodeURIComponent(code);
      showIdentified(code, discs, {verdict: "not_owned", lookup: {status: "failed", message: identified.error}, dvds: [],
        add_url: kept, wishlist_url: kept + "&status=wishlist"});
      return;
    }
    showIdentified(code, discs, identified);
    if (identified.verdict !== "not_owned") {
      celebrate();
    }
  }

  /* --- the answer -------------------------------------------------------------------- */

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function icon(name) {
    const node = element("i", "bi bi-" + name);
    node.setAttribute("aria-hidden", "true");
    return node;
  }

  function verdictBox(kind, iconName, headline, code) {
    const box = element("div", "scan-verdict scan-verdict-" + kind);
    box.dataset.verdict = kind;
    const title = element("p", "scan-headline");
    title.append(icon(iconName), " ", headline);
    box.append(title, element("p", "scan-code", code));
    return box;
  }

  function titleWithYear(item) {
    return item.year ? item.title + " (" + item.year + ")" : item.title;
  }

  function discList(dvds) {
    const list = element("ul", "scan-discs");
    for (const dvd of dvds) {
      const item = element("li");
      const link = element("a", "scan-disc-title", titleWithYear(dvd));
      link.href = dvd.url;
      const facts = [dvd.format, dvd.edition, dvd.box_set, dvd.box ? "Box: " + dvd.box : ""].filter(Boolean);
      if (dvd.status === "disposed") {
        facts.push("disposed");
      }
      item.append(link, element("div", "", facts.join(" · ")));
      list.append(item);
    }
    return list;
  }

  function show(box) {
    answer.replaceChildren(box);
    app.dataset.state = "answered";
  }

  /* The barcode is on the owner's own discs: kept ("You own this") or wished for. */
  function showDiscs(code, discs) {
    const box = discs.verdict === "owned"
      ? verdictBox("owned", "check-circle-fill", "You own this", code)
      : verdictBox("wish", "star-fill", "On your wishlist", code);
    box.append(discList(discs.dvds));
    show(box);
  }

  function showNotOwned(code, discs) {
    const disposed = discs.verdict === "disposed";
    const box = verdictBox("unknown", "x-circle", "Not in your collection", code);
    if (disposed) {
      box.append(element("p", "mb-1", "You had this disc; it is marked as disposed:"), discList(discs.dvds));
    }
    box.append(element("p", "mb-0 small", "Looking it up…"));
    show(box);
  }

  function showIdentified(code, discs, found) {
    const ownsFilm = found.verdict === "owned_film";
    const wished = found.verdict === "wishlist";
    let box;
    if (ownsFilm) {
      box = verdictBox("film", "collection", "You own this film", code);
      box.append(element("p", "mb-1", "In another edition or format:"), discList(found.dvds));
    } else if (wished) {
      box = verdictBox("wish", "star-fill", "On your wishlist", code);
      box.append(element("p", "mb-1", "The film, in another edition or format:"), discList(found.dvds));
    } else {
      box = verdictBox("unknown", "x-circle", "Not in your collection", code);
    }
    if (discs.verdict === "disposed") {
      box.append(element("p", "mb-1", "You had this disc; it is marked as disposed:"), discList(discs.dvds));
    }
    if (found.shop) {
      const facts = [found.shop.format, found.shop.edition, found.shop.region].filter(Boolean).join(" · ");
      const shown = found.match ? titleWithYear(found.match) : titleWithYear(found.shop);
      const what = element("p", "mb-0");
      what.append(element("span", "fw-semibold", shown), facts ? " · " + facts : "");
      box.append(what);
    } else if (found.lookup && found.lookup.message) {
      box.append(element("p", "mb-0 small", found.lookup.message));
    }
    const actions = element("div", "scan-actions");
    const add = element("a", ownsFilm ? "btn btn-outline-dark" : "btn btn-primary");
    add.href = found.add_url;
    add.append(icon("plus-circle"), ownsFilm ? " Add this edition" : " Add it");
    actions.append(add);
    if (!wished) {
      const wish = element("a", "btn btn-outline-dark");
      wish.href = found.wishlist_url;
      wish.append(icon("star"), " Add to wishlist");
      actions.append(wish);
    }
    box.append(actions);
    if (!found.shop && app.dataset.tmdb === "on") {
      box.append(titleSearch(code));
    }
    show(box);
  }

  /* Without a lookup answer: the add page's TMDB search, with the code kept. */
  function titleSearch(code) {
    const form = element("form", "mt-3");
    form.method = "get";
    form.action = app.dataset.addUrl;
    const label = element("label", "form-label small mb-1", "Find the film on TMDB by its title");
    label.htmlFor = "scan-title-search";
    const group = element("div", "input-group");
    const input = element("input", "form-control");
    Object.assign(input, {id: "scan-title-search", name: "tmdb_q", type: "search", required: true, maxLength: 200});
    const kept = element("input");
    Object.assign(kept, {type: "hidden", name: "barcode", value: code});
    const button = element("button", "btn btn-outline-dark", "Search");
    button.type = "submit";
    group.append(input, button);
    form.append(label, group, kept);
    return form;
  }

  function showProblem(code, message) {
    const box = verdictBox("problem", "exclamation-triangle", "No answer", code);
    box.append(element("p", "mb-0", message));
    show(box);
  }

  /* A vibration and a short tone on a hit, where the phone allows them. */
  function celebrate() {
    if (navigator.vibrate) {
      navigator.vibrate([60, 40, 60]);
    }
    if (!audio || audio.state !== "running") {
      return;
    }
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.18);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.2);
  }

  /* --- typed entry ------------------------------------------------------------------- */

  typedForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = digitsOf(typedInput.value);
    const problem = barcodeProblem(code);
    typedError.textContent = problem;
    typedInput.classList.toggle("is-invalid", Boolean(problem));
    typedInput.setAttribute("aria-invalid", problem ? "true" : "false");
    if (problem) {
      typedInput.focus();
      return;
    }
    answerFor(printedForm(code));
  });

  /* --- the camera -------------------------------------------------------------------- */

  function setCameraStatus(text) {
    cameraStatus.textContent = text;
  }

  async function makeDetector() {
    if ("BarcodeDetector" in window) {
      try {
        const supported = await window.BarcodeDetector.getSupportedFormats();
        if (FORMATS.every((format) => supported.includes(format))) {
          app.dataset.decoder = "native";
          return new window.BarcodeDetector({formats: FORMATS});
        }
      } catch (unsupported) {
        /* use the vendored one */
      }
    }
    const api = window.BarcodeDetectionAPI;
    if (!api) {
      throw new Error("no barcode reader");
    }
    // The .wasm comes from this site (static/vendor/zxing-wasm/), never from the ponyfill's default CDN;
    // awaited, so that a reader that cannot load (offline, or a browser refusing WebAssembly) is said.
    await api.prepareZXingModule({
      overrides: {locateFile: (path, prefix) => (path.endsWith(".wasm") ? app.dataset.wasmUrl : prefix + path)},
      fireImmediately: true,
    });
    app.dataset.decoder = "zxing-wasm";
    return new api.BarcodeDetector({formats: FORMATS});
  }

  /* Browsers let a page make a sound only after a tap: the first one anywhere readies the tone. */
  function readyAudio() {
    try {
      audio = audio || (window.AudioContext ? new AudioContext() : null);
      if (audio && audio.state === "suspended") {
        audio.resume().catch(() => undefined);
      }
    } catch (noAudio) {
      audio = null;
    }
  }
  document.addEventListener("pointerdown", readyAudio, {once: true});

  async function startCamera() {
    if (stream) {
      return;
    }
    startButton.hidden = true;
    setCameraStatus("Starting the camera…");
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: {facingMode: {ideal: "environment"}, width: {ideal: 1280}, height: {ideal: 720}},
        audio: false,
      });
    } catch (error) {
      stream = null;
      startButton.hidden = false;
      const refused = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
      setCameraStatus(refused ? "Camera access was refused. Allow it in the browser's settings for this site, or type the code below."
        : "No camera could be opened. Type the code below.");
      return;
    }
    video.srcObject = stream;
    await video.play().catch(() => undefined);
    offerTorch(stream.getVideoTracks()[0]);
    try {
      detector = detector || await makeDetector();
    } catch (noReader) {
      setCameraStatus("The barcode reader could not load. Type the code below.");
      return;
    }
    setCameraStatus("");
    app.dataset.state = app.dataset.state === "idle" ? "scanning" : app.dataset.state;
    scanTimer = setInterval(scanFrame, SCAN_INTERVAL_MS);
  }

  function stopCamera() {
    clearInterval(scanTimer);
    scanTimer = null;
    if (stream) {
      stream.getTracks().forEach((track) => track.stop());
      stream = null;
    }
    video.srcObject = null;
    torchButton.hidden = true;
    torchButton.setAttribute("aria-pressed", "false");
  }

  async function scanFrame() {
    if (detecting || !detector || video.readyState < 2) {
      return;
    }
    detecting = true;
    try {
      const found = await detector.detect(video);
      const now = Date.now();
      const hit = found.find((barcode) => FORMATS.includes(barcode.format) && !barcodeProblem(barcode.rawValue));
      if (hit) {
        const code = printedForm(hit.rawValue);
        const repeated = code === lastCode && now - lastSeen < SAME_CODE_QUIET_MS;
        lastCode = code;
        lastSeen = now;
        if (!repeated) {
          answerFor(code);
        }
      }
    } catch (unreadable) {
      /* a frame the reader could not take; the next one will do */
    } finally {
      detecting = false;
    }
  }

  function offerTorch(track) {
    const capabilities = track && track.getCapabilities ? track.getCapabilities() : {};
    if (!capabilities.torch) {
      return;
    }
    torchButton.hidden = false;
    torchButton.onclick = async () => {
      const on = torchButton.getAttribute("aria-pressed") !== "true";
      try {
        await track.applyConstraints({advanced: [{torch: on}]});
        torchButton.setAttribute("aria-pressed", String(on));
      } catch (notNow) {
        /* the torch is busy or gone; the button keeps its state */
      }
    };
  }

  /* --- start ------------------------------------------------------------------------- */

  function updateOnline() {
    document.getElementById("scan-offline").hidden = navigator.onLine !== false;
  }
  window.addEventListener("online", updateOnline);
  window.addEventListener("offline", updateOnline);
  updateOnline();

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(app.dataset.swUrl, {scope: "/"}).catch(() => undefined);
  }

  if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    // No camera can be had: say why, and leave the typed entry where the viewfinder was.
    document.getElementById("scan-viewfinder").hidden = true;
    if (!window.isSecureContext) {
      document.getElementById("scan-insecure").hidden = false;
    } else {
      answer.replaceChildren(element("p", "mb-0", "This browser cannot open the camera: type the code below."));
    }
    return;
  }

  startButton.addEventListener("click", startCamera);
  let resumeOnReturn = false;
  document.addEventListener("visibilitychange", () => {
    // The camera is let go while the page is hidden, so it does not drain the battery in a pocket.
    if (document.hidden) {
      resumeOnReturn = Boolean(stream);
      stopCamera();
    } else if (resumeOnReturn) {
      startCamera();
    }
  });
  // Where the camera was allowed before, it starts by itself: one less tap in the shop.
  if (navigator.permissions && navigator.permissions.query) {
    navigator.permissions.query({name: "camera"}).then((status) => {
      if (status.state === "granted") {
        startCamera();
      }
    }).catch(() => undefined);
  }
})();
