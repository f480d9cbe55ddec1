import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../web/base.css';

/** Placeholder page: its own issue builds this screen. */
function Page() {
  return <main><h1>{document.title}</h1></main>;
}

createRoot(document.getElementById('root')!).render(<StrictMode><Page /></StrictMode>);
