// The least a page can do to show an output: one module writes one line, with the same
// marks irsa's page sets. The benchmark visits it beside irsa's page, in the same browser
// and run, to tell what a fresh visit costs before any of irsa's code.
document.querySelector('main').append(Object.assign(document.createElement('pre'), { textContent: 'output' }));
performance.mark('irsa-first-output');
requestAnimationFrame(() => setTimeout(() => performance.mark('irsa-first-output-painted')));
