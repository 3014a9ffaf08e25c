import { ErrorMessage, Loading } from '../../components/Loading';
import { FlagRow } from '../../components/FlagRow';
import { SearchBox } from '../../components/SearchBox';
import { useFlagSearch } from '../../hooks/useFlags';
import { useProjects } from '../../hooks/useProjects';
import { Link, e, navigate } from '../../router';

/**
 * The landing page is the incident view: type part of a flag's key or name (1), Kill (2), give the
 * reason and confirm (3). Below it, the projects.
 */
export function Home({ q }: { q: string }) {
  const results = useFlagSearch(q);
  const projects = useProjects();
  return (
    <main id="main">
      <h1>Incident search</h1>
      <SearchBox
        id="incident-search"
        label="Find a flag in any project"
        placeholder="flag key or name"
        value={q}
        onSearch={(next) => navigate(next ? `/?q=${e(next)}` : '/', { replace: true })}
      />
      {q && (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">Flags matching “{q}”</h2>
          {results.error ? (
            <ErrorMessage error={results.error} />
          ) : !results.data ? (
            <Loading what="flags" />
          ) : results.data.length === 0 ? (
            <p role="status">No flag matches “{q}” in any project.</p>
          ) : (
            <ul class="flag-list">
              {results.data.map((match) => (
                <FlagRow key={`${match.project}/${match.key}`} project={match.project} flag={match} showProject />
              ))}
            </ul>
          )}
        </section>
      )}
      <section aria-labelledby="projects-heading">
        <h2 id="projects-heading">Projects</h2>
        {projects.error ? (
          <ErrorMessage error={projects.error} />
        ) : !projects.data ? (
          <Loading what="projects" />
        ) : projects.data.length === 0 ? (
          <p>
            No projects yet. <Link href="/projects">Create one</Link>.
          </p>
        ) : (
          <ul class="project-list">
            {projects.data.map((project) => (
              <li key={project.key}>
                <Link href={`/projects/${e(project.key)}/flags`}>{project.name}</Link>{' '}
                <span class="hint">({project.key})</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
