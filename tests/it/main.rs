mod cli;
mod engine;
mod mechanisms;
mod network;
mod scenario;
mod support;
