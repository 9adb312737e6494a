// The disclosure policy in force, read-only: it is set on this workstation and the consortium has
// no way to change it. Requests that would break it are refused before a steward sees them.
import type { ReleasePolicySummary } from '../../main/api/contract.ts';
import { NOISE_LABELS, formatEpsilon } from './consortium-format.ts';
import { formatCount } from './format.ts';

export function ReleasePolicyPanel({ policy }: { policy: ReleasePolicySummary }) {
  const usesNoise = policy.noise !== 'none';
  const left = Math.max(0, policy.totalEpsilon - policy.epsilonSpent);
  return (
    <section className="panel" aria-labelledby="release-policy-title" data-testid="release-policy">
      <div className="panel-head">
        <h3 id="release-policy-title">Disclosure policy</h3>
        <span className="policy-badge">v{policy.version}</span>
      </div>
      <dl className="consortium-facts">
        <div>
          <dt>Minimum cell size</dt>
          <dd data-testid="policy-min-cell">{formatCount(policy.minimumCellSize)}</dd>
        </div>
        <div>
          <dt>Noise</dt>
          <dd>{NOISE_LABELS[policy.noise]}</dd>
        </div>
        {usesNoise ? (
          <>
            <div>
              <dt>ε per release</dt>
              <dd>{formatEpsilon(policy.epsilonPerRelease)}</dd>
            </div>
            <div className="consortium-fact-wide">
              <dt>Privacy budget</dt>
              <dd data-testid="policy-budget">
                ε {formatEpsilon(policy.epsilonSpent)} spent of {formatEpsilon(policy.totalEpsilon)} ({formatEpsilon(left)} left)
                <progress
                  className="bar policy-budget-bar"
                  value={Math.min(policy.epsilonSpent, policy.totalEpsilon)}
                  max={policy.totalEpsilon > 0 ? policy.totalEpsilon : 1}
                  aria-label="Privacy budget spent"
                />
              </dd>
            </div>
          </>
        ) : null}
        <div className="consortium-fact-wide">
          <dt>Unattended approval</dt>
          <dd data-testid="policy-unattended">
            {policy.unattendedApproval
              ? 'On: releases that pass every check are uploaded without a steward’s review.'
              : 'Off: a steward approves every release after seeing what leaves.'}
          </dd>
        </div>
      </dl>
      <p className="muted small">
        This policy is configured on this workstation. The consortium can ask, but it cannot change the policy; a request
        that would break it is refused and never reaches review.
      </p>
    </section>
  );
}
