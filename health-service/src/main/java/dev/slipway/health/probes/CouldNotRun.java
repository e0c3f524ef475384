package dev.slipway.health.probes;

/** Why a check could not run at all: it says nothing about the app. */
final class CouldNotRun extends Exception {
  CouldNotRun(String why) {
    super(why);
  }
}
