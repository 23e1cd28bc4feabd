-- How long each role's agent takes, per role and kind (a model and a script playing "code" are not
-- alike), learnt from every completed step: the UI's ETAs come from here, and a role never measured
-- has no ETA rather than the template's guess. mean_ms moves toward each new sample by 1/min(n, 20):
-- the plain mean for the first 20 steps, then a moving one that follows a role getting slower or faster.
CREATE TABLE agent_durations (
  role       text             NOT NULL,
  kind       text             NOT NULL,
  samples    bigint           NOT NULL,
  mean_ms    double precision NOT NULL,
  updated_at timestamptz      NOT NULL DEFAULT now(),
  PRIMARY KEY (role, kind)
);
