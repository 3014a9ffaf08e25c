/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory } from '../../http/openapi-examples.js';
import type { AdminChangeEvent } from './admin-events.js';

/** The story's kill as the console hears of it, after the stream's opening comment. */
const killed: AdminChangeEvent = {
  project: exampleStory.project,
  environment: exampleStory.environment,
  revision: 43,
  flags: [exampleStory.flag],
  segments: [],
};

export const changeEventExample = `: connected\n\nevent: change\ndata: ${JSON.stringify(killed)}\n\n`;
