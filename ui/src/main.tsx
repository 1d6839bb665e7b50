import { render } from 'preact';
import { App } from './app';
import { startWatching } from './state';
import './styles.css';

startWatching();
const root = document.getElementById('app');
if (root) render(<App />, root);
