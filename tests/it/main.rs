mod engine;
mod network;
mod scenario;
mod support;
