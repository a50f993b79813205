// The company board's entry (central.html, served by the central service of many sites, issue 16).
import { mount } from 'svelte';
import '../app.css';
import CentralApp from './CentralApp.svelte';

mount(CentralApp, { target: document.getElementById('central')! });
